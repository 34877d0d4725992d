import { render } from "preact";
import { App } from "./app.js";
import "uplot/dist/uPlot.min.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/overview.css";
import "./styles/lists.css";
import "./styles/dialogs.css";
// Last: it overrides the others on narrow screens.
import "./styles/narrow.css";

render(<App />, document.getElementById("root")!);
