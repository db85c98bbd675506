import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./reply-headers.suite";
runSuiteInJest(suite);
