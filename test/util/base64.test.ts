import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./base64.suite";
runSuiteInJest(suite);
