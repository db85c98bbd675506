import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./static-codecs.suite";
runSuiteInJest(suite);
