import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./conformance.suite";
runSuiteInJest(suite);
