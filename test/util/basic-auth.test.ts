import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./basic-auth.suite";
runSuiteInJest(suite);
