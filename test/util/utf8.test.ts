import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./utf8.suite";
runSuiteInJest(suite);
