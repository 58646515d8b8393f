/** Entry point: the auth screen until logged in, then the app. */
import { render } from "preact";
import "./ui/theme.css";
import { App } from "./ui/App";

render(<App />, document.getElementById("app")!);
