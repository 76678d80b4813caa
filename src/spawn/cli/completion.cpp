#include "spawn/cli/completion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "spawn/cli/choices.hpp"

namespace spawn::cli {
namespace {

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : std::string(separator)) + w;
  return out;
}

// Visible means what the help shows: CLI11 hides options and subcommands whose group is "".
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

CompletionOption describe_option(const CLI::Option& option) {
  CompletionOption out;
  for (const auto& s : option.get_snames()) out.names.push_back("-" + s);
  for (const auto& l : option.get_lnames()) out.names.push_back("--" + l);
  out.description = option.get_description();
  out.takes_value = option.get_expected_max() != 0;  // flags expect 0 values
  out.repeatable = out.takes_value && (option.get_expected_max() > 1 ||
                                       option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll);
  out.choices = offered_choices(option);
  return out;
}

void describe(const CLI::App& app, std::vector<std::string> path, std::vector<CompletionCommand>& out) {
  CompletionCommand command;
  command.path = path;
  command.description = app.get_description();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (option->nonpositional())
      command.options.push_back(describe_option(*option));
    else
      command.positionals.push_back(option->get_name(true, false));
  }
  const auto subs = visible_subcommands(app);
  for (const CLI::App* sub : subs) command.subcommands.push_back(sub->get_name());
  out.push_back(std::move(command));
  for (const CLI::App* sub : subs) {
    auto child = path;
    child.push_back(sub->get_name());
    describe(*sub, child, out);
  }
}

// --- bash ---------------------------------------------------------------------------------

// One `case` over the command path (space-separated, '' for spawn itself) echoing words.
std::string bash_case(const std::vector<CompletionCommand>& commands,
                      const std::function<std::vector<std::string>(const CompletionCommand&)>& words_of) {
  std::string out = "  case $1 in\n";
  for (const auto& c : commands) {
    auto words = words_of(c);
    if (!words.empty()) out += fmt::format("    '{}') echo '{}' ;;\n", join(c.path, " "), join(words, " "));
  }
  return out + "  esac\n";
}

constexpr const char* k_bash_main = R"bash(
_spawn() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev='' command='' word skip='' i
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
  # --option=value: bash splits the word at '=' (COMP_WORDBREAKS)
  if [[ $cur == '=' ]]; then
    cur=''
  elif [[ $prev == '=' ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  fi
  # The command so far: the words before the cursor that name one, option values skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == '=' ]]; then skip=1; continue; fi
    if [[ -n $skip ]]; then skip=''; continue; fi
    if [[ $word == -* ]]; then
      [[ " $(__spawn_valued "$command") " == *" $word "* ]] && skip=1
    elif [[ " $(__spawn_subcommands "$command") " == *" $word "* ]]; then
      command=${command:+$command }$word
    fi
  done
  COMPREPLY=()
  if [[ $prev == -* && " $(__spawn_valued "$command") " == *" $prev "* ]]; then
    local choices
    choices=$(__spawn_choices "$command $prev")
    if [[ -n $choices ]]; then
      COMPREPLY=($(compgen -W "$choices" -- "$cur"))
    else
      compopt -o default 2>/dev/null  # any value: bash's own completion (file names)
    fi
    return 0
  fi
  local subcommands
  subcommands=$(__spawn_subcommands "$command")
  if [[ $cur == -* || -z $subcommands ]]; then
    COMPREPLY=($(compgen -W "$(__spawn_options "$command")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
  fi
  return 0
}
complete -F _spawn spawn
)bash";

// --- zsh ----------------------------------------------------------------------------------

// s inside '...': each ' written as '\''.
std::string zsh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// An _arguments description: [ ] and \ are special inside its brackets.
std::string zsh_bracket(std::string_view s) {
  std::string out = "[";
  for (char c : s) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "]";
}

std::string zsh_spec(const CompletionOption& o) {
  std::string rest = zsh_bracket(o.description);
  if (o.takes_value) {
    std::string message = o.names.back();
    while (!message.empty() && message.front() == '-') message.erase(message.begin());
    rest += ":" + message + ":" + (o.choices.empty() ? std::string("_default") : "(" + join(o.choices, " ") + ")");
  }
  std::vector<std::string> forms;
  for (const auto& n : o.names) {
    const bool is_long = n.rfind("--", 0) == 0;
    forms.push_back(n + (o.takes_value ? (is_long ? "=" : "+") : ""));
  }
  if (forms.size() == 1) return zsh_quote((o.repeatable ? "*" : "") + forms[0] + rest);
  const std::string exclusion = o.repeatable ? "*" : "(" + join(o.names, " ") + ")";
  return zsh_quote(exclusion) + "{" + join(forms, ",") + "}" + zsh_quote(rest);
}

std::string zsh_function_name(const CompletionCommand& c) {
  std::string name = "_spawn";
  for (const auto& p : c.path) name += "_" + p;
  for (auto& ch : name)
    if (ch == '-') ch = '_';
  return name;
}

std::string zsh_function(const CompletionCommand& c, const std::vector<CompletionCommand>& all) {
  std::string specs;
  for (const auto& o : c.options) specs += "    " + zsh_spec(o) + " \\\n";
  for (const auto& p : c.positionals) specs += "    " + zsh_quote("*:" + p + ": ") + " \\\n";
  std::string out = zsh_function_name(c) + "() {\n";
  if (c.subcommands.empty()) {
    out += "  _arguments -s -S : \\\n" + specs + "    && return 0\n  return 1\n}\n";
    return out;
  }
  out += "  local curcontext=$curcontext state state_descr line ret=1\n  typeset -A opt_args\n";
  out += "  _arguments -C -s -S : \\\n" + specs + "    ': :->command' \\\n    '*:: :->argument' && ret=0\n";
  out += "  case $state in\n    (command)\n      local -a commands=(\n";
  for (const auto& name : c.subcommands) {
    std::string description;
    for (const auto& other : all)
      if (other.path.size() == c.path.size() + 1 && other.path.back() == name &&
          std::equal(c.path.begin(), c.path.end(), other.path.begin()))
        description = other.description;
    out += "        " + zsh_quote(name + ":" + description) + "\n";
  }
  const std::string label = join(c.path, " ");
  out += "      )\n      _describe -t commands " + zsh_quote(label.empty() ? "spawn command" : "spawn " + label + " command") +
         " commands && ret=0\n      ;;\n    (argument)\n";
  out += "      curcontext=${curcontext%:*:*}:spawn-$words[1]:\n      case $words[1] in\n";
  for (const auto& name : c.subcommands) {
    CompletionCommand child;
    child.path = c.path;
    child.path.push_back(name);
    out += "        (" + name + ") " + zsh_function_name(child) + " && ret=0 ;;\n";
  }
  out += "      esac\n      ;;\n  esac\n  return ret\n}\n";
  return out;
}

}  // namespace

std::vector<CompletionCommand> completion_commands(const CLI::App& app) {
  std::vector<CompletionCommand> out;
  describe(app, {}, out);
  return out;
}

std::string bash_completion(const std::vector<CompletionCommand>& commands) {
  std::string out =
      "# bash completion for spawn, generated by `spawn completion bash` from spawn's own command line.\n"
      "# Load it with `source <(spawn completion bash)` (in ~/.bashrc), or install it as\n"
      "# ~/.local/share/bash-completion/completions/spawn.\n\n";
  out += "__spawn_subcommands() {\n" + bash_case(commands, [](const auto& c) { return c.subcommands; }) + "}\n\n";
  out += "__spawn_options() {\n" + bash_case(commands, [](const auto& c) {
           std::vector<std::string> names;
           for (const auto& o : c.options) names.insert(names.end(), o.names.begin(), o.names.end());
           return names;
         }) + "}\n\n";
  out += "# the options that take a value\n__spawn_valued() {\n" + bash_case(commands, [](const auto& c) {
           std::vector<std::string> names;
           for (const auto& o : c.options)
             if (o.takes_value) names.insert(names.end(), o.names.begin(), o.names.end());
           return names;
         }) + "}\n\n";
  out += "# \"COMMAND OPTION\": the words that option takes\n__spawn_choices() {\n  case $1 in\n";
  for (const auto& c : commands)
    for (const auto& o : c.options) {
      if (o.choices.empty()) continue;
      std::vector<std::string> patterns;
      for (const auto& n : o.names) patterns.push_back(fmt::format("'{} {}'", join(c.path, " "), n));
      out += fmt::format("    {}) echo '{}' ;;\n", join(patterns, "|"), join(o.choices, " "));
    }
  out += "  esac\n}\n";
  return out + k_bash_main;
}

std::string zsh_completion(const std::vector<CompletionCommand>& commands) {
  std::string out =
      "#compdef spawn\n"
      "# zsh completion for spawn, generated by `spawn completion zsh` from spawn's own command line.\n"
      "# Install it as _spawn in a folder of $fpath before compinit runs, e.g.\n"
      "#   spawn completion zsh > ~/.zfunc/_spawn    with    fpath=(~/.zfunc $fpath)    in ~/.zshrc\n\n";
  for (auto it = commands.rbegin(); it != commands.rend(); ++it) out += zsh_function(*it, commands) + "\n";
  // Autoloaded (the usual way), this file is _spawn's body: run it. Sourced, register it.
  out += "if [[ $funcstack[1] == _spawn ]]; then\n  _spawn \"$@\"\nelse\n  compdef _spawn spawn\nfi\n";
  return out;
}

std::unique_ptr<CompletionSubcommand> add_completion_subcommand(CLI::App& app) {
  auto completion = std::make_unique<CompletionSubcommand>();
  completion->app = app.add_subcommand("completion", "Print a shell completion script for spawn (bash or zsh)");
  completion->app->footer("\nExamples:\n  source <(spawn completion bash)           # in ~/.bashrc\n"
                          "  spawn completion zsh > ~/.zfunc/_spawn     # with fpath+=(~/.zfunc) in ~/.zshrc");
  completion->app->add_option("shell", completion->shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  return completion;
}

std::string completion_script(const CLI::App& app, std::string_view shell) {
  const auto commands = completion_commands(app);
  return shell == "zsh" ? zsh_completion(commands) : bash_completion(commands);
}

}  // namespace spawn::cli
