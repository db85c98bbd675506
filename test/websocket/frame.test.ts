import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./frame.suite";
runSuiteInJest(suite);
