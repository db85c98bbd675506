import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./html-escape.suite";
runSuiteInJest(suite);
