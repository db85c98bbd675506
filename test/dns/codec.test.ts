import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./codec.suite";
runSuiteInJest(suite);
