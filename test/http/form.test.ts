import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./form.suite";
runSuiteInJest(suite);
