import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./parser.suite";
runSuiteInJest(suite);
