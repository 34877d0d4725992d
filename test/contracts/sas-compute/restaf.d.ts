// restaf and restaflib ship no type declarations; the tests use them as the untyped clients they are.
declare module "@sassoftware/restaf";
declare module "@sassoftware/restaflib";
