// esbuild bundles each entry's imported stylesheet into media/dist/<entry>.css.
declare module "*.css";
