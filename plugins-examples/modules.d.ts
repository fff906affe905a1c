declare module "*.mjs";
