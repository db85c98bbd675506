import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./auth.suite";
runSuiteInJest(suite);
