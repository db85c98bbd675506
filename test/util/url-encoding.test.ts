import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./url-encoding.suite";
runSuiteInJest(suite);
