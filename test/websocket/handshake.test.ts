import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./handshake.suite";
runSuiteInJest(suite);
