// xl-tools: overrides xlwings-server's static/js/auth.js (same name, project static first).
// entraid as there. custom: the Office single sign-on token as well, which the unit's own validator
// (XL_TOOLS_AUTH_VALIDATOR, docs/服务器部署.md) checks; where Office cannot give one, no token, and an
// authenticating reverse proxy in front may set the Authorization header instead.
globalThis.getAuth = async function () {
  if (config.authProviders.includes("entraid")) {
    return { token: await xlwings.getAccessToken(), provider: "entraid" };
  }
  if (config.authProviders.includes("custom")) {
    try {
      return { token: await xlwings.getAccessToken(), provider: "custom" };
    } catch (error) {
      console.warn("xl-tools: Office single sign-on unavailable", error);
      return { token: "", provider: "custom" };
    }
  }
  return { token: "", provider: "" };
};
