import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./address.suite";
runSuiteInJest(suite);
