import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./uri.suite";
runSuiteInJest(suite);
