import { runSuiteInJest } from "../shared/jest-suite";
import suite from "./llhttp-vectors.suite";
runSuiteInJest(suite);
