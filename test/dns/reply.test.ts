import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./reply.suite";
runSuiteInJest(suite);
