// The form page with the package's files as they are (no bundler): see form-app.js.
import * as sdk from "../../dist/web.js";
import { start } from "./form-app.js";

start(sdk);
