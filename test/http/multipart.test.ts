import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./multipart.suite";
runSuiteInJest(suite);
