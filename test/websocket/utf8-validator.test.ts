import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./utf8-validator.suite";
runSuiteInJest(suite);
