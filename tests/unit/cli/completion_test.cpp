#include "spawn/cli/completion.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "spawn/cli/choices.hpp"

namespace {

using spawn::cli::CompletionCommand;
using spawn::cli::completion_commands;

// A small tree shaped like spawn's: options with and without values, choices, a repeatable
// option, a positional, a nested subcommand and a hidden one.
struct Tree {
  CLI::App app{"tool", "tool"};
  std::optional<std::string> mode, name;
  std::vector<std::string> tags, ids;
  bool flag = false;
  std::string shell;

  Tree() {
    app.set_version_flag("--version", "tool 1");
    auto* run = app.add_subcommand("run", "Run it");
    spawn::cli::offer_choices(run->add_option("--mode,-m", mode, "how"), {"fast", "slow-ish"});
    run->add_option("--name", name, "the [name] it's given");
    run->add_option("--tag", tags, "repeatable");
    run->add_flag("--dry-run", flag, "nothing");
    run->add_option("--secret", name, "hidden")->group("");
    auto* stop = app.add_subcommand("stop", "Stop it");
    stop->add_option("ids", ids, "what");
    auto* agent = app.add_subcommand("agent", "Agent");
    agent->add_subcommand("upload", "Upload");
    app.add_subcommand("completion", "hidden")->group("");
  }

  const CompletionCommand& command(const std::vector<std::string>& path) {
    static std::vector<CompletionCommand> all;
    all = completion_commands(app);
    for (const auto& c : all)
      if (c.path == path) return c;
    throw std::runtime_error("no such command");
  }
};

TEST(Completion, WalksTheVisibleTreeParentsFirst) {
  Tree t;
  const auto all = completion_commands(t.app);
  std::vector<std::vector<std::string>> paths;
  for (const auto& c : all) paths.push_back(c.path);
  EXPECT_EQ(paths, (std::vector<std::vector<std::string>>{{}, {"run"}, {"stop"}, {"agent"}, {"agent", "upload"}}));
  EXPECT_EQ(all[0].subcommands, (std::vector<std::string>{"run", "stop", "agent"}));  // not completion
  EXPECT_EQ(all[3].subcommands, (std::vector<std::string>{"upload"}));
  EXPECT_EQ(all[1].description, "Run it");
}

TEST(Completion, DescribesOptions) {
  Tree t;
  const auto& run = t.command({"run"});
  ASSERT_EQ(run.options.size(), 5u) << "--help, --mode, --name, --tag, --dry-run; not the hidden --secret";
  const auto& mode = run.options[1];
  EXPECT_EQ(mode.names, (std::vector<std::string>{"-m", "--mode"}));
  EXPECT_TRUE(mode.takes_value);
  EXPECT_FALSE(mode.repeatable);
  EXPECT_EQ(mode.choices, (std::vector<std::string>{"fast", "slow-ish"}));
  EXPECT_TRUE(run.options[2].choices.empty());
  EXPECT_TRUE(run.options[3].repeatable);
  EXPECT_FALSE(run.options[4].takes_value) << "a flag";
  EXPECT_FALSE(run.options[0].takes_value) << "--help";
  EXPECT_EQ(t.command({"stop"}).positionals, (std::vector<std::string>{"ids"}));
  EXPECT_EQ(t.command({}).options.size(), 2u);  // --help, --version
}

TEST(Completion, BashScriptCarriesTheTree) {
  Tree t;
  const std::string script = spawn::cli::bash_completion(completion_commands(t.app));
  EXPECT_NE(script.find("    '') echo 'run stop agent' ;;"), std::string::npos) << script;
  EXPECT_NE(script.find("    'agent') echo 'upload' ;;"), std::string::npos);
  EXPECT_NE(script.find("    'run') echo '-h --help -m --mode --name --tag --dry-run' ;;"), std::string::npos);
  EXPECT_NE(script.find("    'run') echo '-m --mode --name --tag' ;;"), std::string::npos) << "the valued ones";
  EXPECT_NE(script.find("    'run -m'|'run --mode') echo 'fast slow-ish' ;;"), std::string::npos);
  EXPECT_NE(script.find("complete -F _spawn spawn"), std::string::npos);
  EXPECT_EQ(script.find("completion"), script.find("completion for spawn")) << "the hidden command is not offered";
  EXPECT_EQ(script.find("secret"), std::string::npos);
}

TEST(Completion, ZshScriptQuotesDescriptions) {
  Tree t;
  const std::string script = spawn::cli::zsh_completion(completion_commands(t.app));
  EXPECT_EQ(script.rfind("#compdef spawn\n", 0), 0u);
  EXPECT_NE(script.find("'(-m --mode)'{-m+,--mode=}'[how]:mode:(fast slow-ish)'"), std::string::npos) << script;
  EXPECT_NE(script.find("'--name=[the \\[name\\] it'\\''s given]:name:_default'"), std::string::npos);
  EXPECT_NE(script.find("'*--tag=[repeatable]:tag:_default'"), std::string::npos);
  EXPECT_NE(script.find("'--dry-run[nothing]'"), std::string::npos);
  EXPECT_NE(script.find("'*:ids: '"), std::string::npos);
  EXPECT_NE(script.find("'run:Run it'"), std::string::npos);
  EXPECT_NE(script.find("(upload) _spawn_agent_upload && ret=0 ;;"), std::string::npos);
  EXPECT_NE(script.find("_spawn() {"), std::string::npos);
}

TEST(Completion, SubcommandPrintsTheScriptForItsShell) {
  CLI::App app{"tool", "tool"};
  app.add_subcommand("run", "Run it");
  auto completion = spawn::cli::add_completion_subcommand(app);
  const char* argv[] = {"tool", "completion", "zsh"};
  app.parse(3, const_cast<char**>(argv));
  EXPECT_TRUE(completion->app->parsed());
  EXPECT_EQ(completion->shell, "zsh");
  EXPECT_EQ(spawn::cli::completion_commands(app)[0].subcommands, (std::vector<std::string>{"run", "completion"}));
  EXPECT_EQ(spawn::cli::completion_script(app, "bash").find("# bash completion"), 0u);
  EXPECT_EQ(spawn::cli::completion_script(app, "zsh").find("#compdef spawn"), 0u);

  CLI::App other{"tool", "tool"};
  spawn::cli::add_completion_subcommand(other);
  const char* bad[] = {"tool", "completion", "fish"};
  EXPECT_THROW(other.parse(3, const_cast<char**>(bad)), CLI::ValidationError);
}

}  // namespace
