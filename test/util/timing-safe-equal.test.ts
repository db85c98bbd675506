import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./timing-safe-equal.suite";
runSuiteInJest(suite);
