import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./skip.suite";
runSuiteInJest(suite);
