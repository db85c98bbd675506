import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./digest.suite";
runSuiteInJest(suite);
