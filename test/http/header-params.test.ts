import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./header-params.suite";
runSuiteInJest(suite);
