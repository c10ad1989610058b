// docs/api.md "Browser sign-in": GET /session (is this browser signed in?)
// and POST /login-codes (a fresh sign-in link, for `cusax open`; Bearer only,
// so a browser session cannot mint links for other browsers).
import { ApiError } from "./errors.js";
import type { Router } from "./router.js";

export function addSignInRoutes(router: Router, loginUrl: () => string): void {
  router
    .add("GET", "/session", () => ({ signedIn: true }))
    .add("POST", "/login-codes", ({ auth }) => {
      if (auth !== "bearer") throw new ApiError("unauthorized", "a sign-in link needs the Bearer token (run `cusax open`)");
      return { url: loginUrl() };
    });
}
