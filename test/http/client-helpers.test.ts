import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./client-helpers.suite";
runSuiteInJest(suite);
