// Constant-time equality: results (timing is not asserted; it is a property of the loop shape).
import { timingSafeEqual } from "../../modules/util/timing-safe-equal";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";

const factory: SuiteFactory = () => ({
  name: "util/timing-safe-equal",
  cases: [
    {
      name: "equal and unequal strings and bytes",
      run: () => {
        assertEqual(timingSafeEqual("secret", "secret"), true);
        assertEqual(timingSafeEqual("secret", "secreT"), false);
        assertEqual(timingSafeEqual("Secret", "secret"), false);
        assertEqual(timingSafeEqual("", ""), true);
        assertEqual(timingSafeEqual("", "a"), false);
        assertEqual(timingSafeEqual("a", ""), false);
        assertEqual(timingSafeEqual("secre", "secret"), false);
        assertEqual(timingSafeEqual("secrets", "secret"), false);
        // a prefix repeated to the expected length must not pass through the modulo indexing
        assertEqual(timingSafeEqual("ab", "abab"), false);
        assertEqual(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
        assertEqual(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
        assertEqual(timingSafeEqual(new Uint8Array([0x61, 0x62]), "ab"), true);
        assertEqual(timingSafeEqual("\u0161", new Uint8Array([0x61])), false);
      },
    },
  ] as Case[],
});
export default factory;
