// Entry: the web app on the daemon's HTTP API (docs/api.md), rendered into #app.
import { render } from "preact";
import { App } from "./app/app.js";
import "./styles.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
