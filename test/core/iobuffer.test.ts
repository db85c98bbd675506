import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./iobuffer.suite";
runSuiteInJest(suite);
