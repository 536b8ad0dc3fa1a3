// The line-comment marker a needle question is written with: the window's own language, as needles.py COMMENT.
const HASH_COMMENTS = new Set(["py", "pyi", "sh", "bash", "zsh", "rb", "pl", "r", "yaml", "yml", "toml", "cfg", "ini", "conf", "mk", "cmake", "dockerfile", "tf", "ps1", "nim", "jl", "ex", "exs", "coffee"]);
const DASH_COMMENTS = new Set(["sql", "lua", "hs", "elm", "ada"]);

export function commentMarker(file: string): string {
  const name = file.slice(file.lastIndexOf("/") + 1).toLowerCase();
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : name;
  if (HASH_COMMENTS.has(ext) || name === "makefile") return "#";
  if (DASH_COMMENTS.has(ext)) return "--";
  return "//";
}
