import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./preference-store.suite";
runSuiteInJest(suite);
