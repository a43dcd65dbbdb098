/** Stylesheets the status page imports (ui/src): esbuild bundles them into ui/dist/app.css. */
declare module '*.css';
