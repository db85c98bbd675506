import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./probes.suite";
runSuiteInJest(suite);
