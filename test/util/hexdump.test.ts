import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./hexdump.suite";
runSuiteInJest(suite);
