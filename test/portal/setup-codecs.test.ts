import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./setup-codecs.suite";
runSuiteInJest(suite);
