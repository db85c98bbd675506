import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./acl.suite";
runSuiteInJest(suite);
