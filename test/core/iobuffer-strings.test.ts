import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./iobuffer-strings.suite";
runSuiteInJest(suite);
