#include "spawn/cli/agent_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/model/spot_options.hpp"
#include "spawn/util/elf.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/sha256.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_default_prefix = "spawn/agent";

constexpr const char* k_upload_help = R"(
Puts spored (the agent spot instances run) and its sha256 in your S3 bucket, under
PREFIX/<sha256>/spored and PREFIX/<sha256>/spored.sha256, and remembers where in spawn's config
($XDG_CONFIG_HOME/spawn/config.json or ~/.config/spawn/config.json). Each spot launch then gives
its instances a URL to that object presigned for one hour, and the instance installs spored only
if the download's sha256 is the one uploaded. Upload again after rebuilding spored.

Examples:
  spawn agent upload --bucket my-bucket
  spawn agent upload --bucket my-bucket --prefix tools/spawn --region eu-west-1
  spawn agent upload --bucket my-bucket --binary build/bin/spored --output json)";

// The folder of the running spawn executable, "" when unknown.
std::string own_folder() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string path(buf, static_cast<size_t>(n));
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// "spawn/agent", "/a/b/" -> "a/b"; an error for what S3 keys should not hold.
expected<std::string, std::string> normalize_prefix(std::string prefix) {
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(prefix.begin());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  for (unsigned char c : prefix)
    if (c < 0x20 || c == 0x7f) return unexpected(std::string("--prefix: control characters are not allowed"));
  if (prefix.find("//") != std::string::npos) return unexpected(std::string("--prefix: an empty path segment ('//')"));
  if (prefix.size() > 900) return unexpected(std::string("--prefix: longer than 900 characters"));
  return prefix;
}

std::string human_size(uint64_t bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
  return fmt::format("{} bytes", bytes);
}

class AgentCommand final : public Command {
 public:
  explicit AgentCommand(CLI::App& parent)
      : Command(parent, "agent", "Manage spored, the agent that handles spot interruptions on the instance") {
    m_app->require_subcommand(1);
    // Its own footer: CLI11 would give it spawn's top-level examples.
    m_app->footer("\nExamples:\n  spawn agent upload --bucket my-bucket     # once per account and region\n\n"
                  "Run 'spawn agent upload --help' for its options.");
    m_upload = m_app->add_subcommand("upload", "Upload spored and its sha256 to S3; spot launches install it from there");
    add_global_options(*m_upload, m_global);
    m_upload->footer(k_upload_help);
    m_upload->add_option("--bucket", m_bucket, "S3 bucket to put spored in (it must exist, in --region)")->required();
    m_upload->add_option("--prefix", m_prefix, std::string("key prefix (default ") + k_default_prefix + ")");
    m_upload->add_option("--binary", m_binary, "the spored to upload (default: the spored next to this spawn)");
  }

  int run() override {
    if (m_upload->parsed()) return upload();
    print_usage_error("expected a subcommand: upload", "agent");
    return k_exit_usage;
  }

 private:
  int usage(const std::string& message, const std::string& hint = {}) {
    if (hint.empty()) {
      print_usage_error(message, "agent upload");
    } else {
      print_failure(message);
      fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    return k_exit_usage;
  }

  int upload() {
    // Everything that can be wrong locally is found before the first request.
    if (!model::valid_bucket_name(m_bucket))
      return usage("--bucket: expected an S3 bucket name (3-63 characters: a-z, 0-9, '.', '-'), got '" + m_bucket + "'");
    auto prefix = normalize_prefix(m_prefix.value_or(k_default_prefix));
    if (!prefix) return usage(prefix.error());

    const bool default_binary = !m_binary;
    const std::string binary = m_binary ? *m_binary : own_folder() + "/spored";
    auto bytes = util::read_file(binary);
    if (!bytes) return usage("--binary: " + bytes.error());
    if (!*bytes || (*bytes)->empty()) {
      if (default_binary)
        return usage("no spored next to this spawn (" + binary + ")", "build it (make) or pass --binary PATH");
      return usage("--binary: no such file, or an empty one: '" + binary + "'");
    }
    const std::string& content = **bytes;
    auto elf = util::inspect_elf(content);
    if (!elf) return usage(binary + " is not spored: " + elf.error());
    if (!elf->statically_linked())
      return usage(binary + " is dynamically linked: it would not start on AMIs with another C library",
                   "build spored statically (cmake -DSPAWN_STATIC_AGENT=ON, the default, without SPAWN_SANITIZE)");

    auto config_path = spawn_config_path(aws::config::process_environment());
    if (!config_path) return usage("neither XDG_CONFIG_HOME nor HOME is set: spawn has nowhere to remember the upload");
    auto config = load_spawn_config(*config_path);
    if (!config) return usage(config.error(), "fix the file or remove it");

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    const std::string sha256 = util::sha256_hex(content);
    AgentLocation where;
    where.bucket = m_bucket;
    where.key = (prefix->empty() ? "" : *prefix + "/") + sha256 + "/spored";
    where.sha256_key = where.key + ".sha256";
    where.region = session->region();
    where.sha256 = sha256;
    where.size = content.size();
    where.architecture = elf->architecture;
    where.spawn_version = SPAWN_VERSION;
    where.uploaded_at = util::format_rfc3339(std::chrono::system_clock::now());

    auto s3 = session->s3(m_bucket);
    if (auto put = s3.put_object(where.key, content, "application/octet-stream"); !put) return s3_failure(put.error());
    // The sha256sum format, so that `sha256sum -c` checks a copy fetched by hand.
    if (auto put = s3.put_object(where.sha256_key, sha256 + "  spored\n", "text/plain; charset=utf-8"); !put)
      return s3_failure(put.error());

    config->agent = where;
    if (auto saved = save_spawn_config(*config_path, *config); !saved) {
      print_failure("spored is uploaded to s3://" + m_bucket + "/" + where.key + " but spawn cannot remember it: " +
                    saved.error());
      return k_exit_failure;
    }

    if (m_global.output == OutputFormat::json) {
      nlohmann::json out{{"bucket", where.bucket},     {"key", where.key},
                         {"sha256_key", where.sha256_key}, {"region", where.region},
                         {"sha256", where.sha256},     {"size", where.size},
                         {"architecture", where.architecture}, {"config", *config_path}};
      fmt::print("{}\n", out.dump(2));
      return k_exit_ok;
    }
    fmt::print("Uploaded spored {} ({}, {}) to s3://{}/{}\n", SPAWN_VERSION, where.architecture, human_size(where.size),
               where.bucket, where.key);
    fmt::print("sha256 {} (also in s3://{}/{})\n", sha256, where.bucket, where.sha256_key);
    fmt::print("Spot launches install it from there (remembered in {}).\n", *config_path);
    return k_exit_ok;
  }

  int s3_failure(const aws::Error& e) const {
    fmt::print(stderr, "spawn: error: cannot put spored in s3://{}: {}\n", m_bucket, e.describe());
    std::string hint = aws::hint_for(e);
    if (e.code == "NoSuchBucket")
      hint = "create the bucket first (aws s3 mb s3://" + m_bucket + "), or check --region";
    else if (e.code == "PermanentRedirect" || e.code == "AuthorizationHeaderMalformed" || e.code == "IllegalLocationConstraintException")
      hint = "the bucket is in another region: pass --region with the bucket's region";
    if (!hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    return k_exit_failure;
  }

  CLI::App* m_upload = nullptr;
  std::string m_bucket;
  std::optional<std::string> m_prefix, m_binary;
};

}  // namespace

std::unique_ptr<Command> make_agent_command(CLI::App& parent) { return std::make_unique<AgentCommand>(parent); }

}  // namespace spawn::cli
