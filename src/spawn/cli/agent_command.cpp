#include "spawn/cli/agent_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "spawn/cli/choices.hpp"
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
PREFIX/<sha256>/spored and PREFIX/<sha256>/spored.sha256, for each architecture: by default the
spored next to this spawn (x86-64) and spored-aarch64 beside it (Graviton, arm64), both built by
make. It remembers where in spawn's config ($XDG_CONFIG_HOME/spawn/config.json or
~/.config/spawn/config.json); each launch's instances then fetch the binary of their own
architecture with their role, and install it only if its sha256 is the one uploaded. A launch of
an architecture with no upload is refused before anything is launched. Upload again after
rebuilding spored; uploading one architecture keeps the other's earlier upload (in the same bucket).

Examples:
  spawn agent upload --bucket my-bucket
  spawn agent upload --bucket my-bucket --arch aarch64
  spawn agent upload --bucket my-bucket --prefix tools/spawn --region eu-west-1
  spawn agent upload --bucket my-bucket --binary build/bin/spored --output json)";

// The architectures spawn knows a spored for, as `uname -m` names them; and spored's file for
// each beside spawn.
struct Build {
  const char* arch;
  const char* file;
};
constexpr Build k_builds[] = {{"x86_64", "spored"}, {"aarch64", "spored-aarch64"}};

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
    m_upload = m_app->add_subcommand("upload", "Upload spored and its sha256 to S3, once per account: launches in every region install it from there");
    add_global_options(*m_upload, m_global);
    m_upload->footer(k_upload_help);
    m_upload->add_option("--bucket", m_bucket, "S3 bucket to put spored in (it must exist, in --region)")->required();
    m_upload->add_option("--prefix", m_prefix, std::string("key prefix (default ") + k_default_prefix + ")");
    m_upload->add_option("--binary", m_binaries,
                         "a spored to upload, its architecture read from the file (repeatable; default: spored and "
                         "spored-aarch64 next to this spawn)");
    // arm64 and amd64 (as EC2 and Debian name them) are accepted too, not offered.
    offer_choices(m_upload->add_option("--arch", m_archs,
                                       "upload only the spored of this architecture (repeatable; default: every one "
                                       "built next to this spawn)"),
                  {"x86_64", "aarch64"})
        ->check(CLI::IsMember({"x86_64", "aarch64", "arm64", "amd64"}).description(""));
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

  // One binary to upload, read and checked.
  struct Binary {
    std::string path;
    std::string content;
    std::string arch;
  };

  // "arm64" and "amd64" (as Debian and EC2 say it) are aarch64 and x86_64 (as uname -m does).
  static std::string machine(const std::string& arch) {
    if (arch == "arm64") return "aarch64";
    if (arch == "amd64") return "x86_64";
    return arch;
  }

  bool wanted(const std::string& arch) const {
    if (m_archs.empty()) return true;
    return std::any_of(m_archs.begin(), m_archs.end(), [&](const std::string& a) { return machine(a) == arch; });
  }

  // The binary at path, checked: an ELF, statically linked. nullopt with *status set (usage) when
  // it is not; nullopt with *status 0 when it is absent and absent_ok.
  std::optional<Binary> read_binary(const std::string& path, bool absent_ok, int* status) {
    *status = 0;
    auto bytes = util::read_file(path);
    if (!bytes) {
      *status = usage("--binary: " + bytes.error());
      return std::nullopt;
    }
    if (!*bytes || (*bytes)->empty()) {
      if (!absent_ok) *status = usage("--binary: no such file, or an empty one: '" + path + "'");
      return std::nullopt;
    }
    auto elf = util::inspect_elf(**bytes);
    if (!elf) {
      *status = usage(path + " is not spored: " + elf.error());
      return std::nullopt;
    }
    if (!elf->statically_linked()) {
      *status = usage(path + " is dynamically linked: it would not start on AMIs with another C library",
                      "build spored statically (cmake -DSPAWN_STATIC_AGENT=ON, the default, without SPAWN_SANITIZE)");
      return std::nullopt;
    }
    return Binary{path, std::move(**bytes), elf->architecture};
  }

  int upload() {
    // Everything that can be wrong locally is found before the first request.
    if (!model::valid_bucket_name(m_bucket))
      return usage("--bucket: expected an S3 bucket name (3-63 characters: a-z, 0-9, '.', '-'), got '" + m_bucket + "'");
    auto prefix = normalize_prefix(m_prefix.value_or(k_default_prefix));
    if (!prefix) return usage(prefix.error());

    std::vector<Binary> binaries;
    std::vector<std::pair<std::string, std::string>> absent;  // (architecture, file) not built next to spawn
    int status = 0;
    if (!m_binaries.empty()) {
      for (const auto& path : m_binaries) {
        auto b = read_binary(path, false, &status);
        if (!b) return status;
        binaries.push_back(std::move(*b));
      }
    } else {
      const std::string folder = own_folder();
      for (const auto& build : k_builds) {
        const std::string path = folder + "/" + build.file;
        auto b = read_binary(path, true, &status);
        if (status) return status;
        if (b && b->arch != build.arch)
          return usage(path + " is built for " + b->arch + ", not " + build.arch, "rebuild it (make)");
        if (b) {
          binaries.push_back(std::move(*b));
        } else if (wanted(build.arch)) {
          absent.emplace_back(build.arch, path);
        }
      }
      if (binaries.empty())
        return usage("no spored next to this spawn (" + absent.front().second + ")", "build it (make) or pass --binary PATH");
    }
    for (size_t i = 0; i < binaries.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (binaries[i].arch == binaries[j].arch)
          return usage("--binary: " + binaries[j].path + " and " + binaries[i].path + " are both for " + binaries[i].arch +
                       ": one spored per architecture");
    std::erase_if(binaries, [&](const Binary& b) { return !wanted(b.arch); });
    for (const auto& a : m_archs) {
      const std::string arch = machine(a);
      if (std::none_of(binaries.begin(), binaries.end(), [&](const Binary& b) { return b.arch == arch; })) {
        if (!m_binaries.empty()) return usage("--arch " + a + ": no --binary is a spored for " + arch);
        return usage("--arch " + a + ": no spored for " + arch + " next to this spawn (" + own_folder() + "/" +
                         (arch == "x86_64" ? "spored" : "spored-" + arch) + ")",
                     "build it (make; the aarch64 one needs SPAWN_ARM64_AGENT=ON, the default) or pass --binary PATH");
      }
    }

    auto config_path = spawn_config_path(aws::config::process_environment());
    if (!config_path) return usage("neither XDG_CONFIG_HOME nor HOME is set: spawn has nowhere to remember the upload");
    auto config = load_spawn_config(*config_path);
    if (!config) return usage(config.error(), "fix the file or remove it");

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto s3 = session->s3(m_bucket);
    std::vector<AgentLocation> uploaded;
    for (const auto& b : binaries) {
      const std::string sha256 = util::sha256_hex(b.content);
      AgentLocation where;
      where.bucket = m_bucket;
      where.key = (prefix->empty() ? "" : *prefix + "/") + sha256 + "/spored";
      where.sha256_key = where.key + ".sha256";
      where.region = session->region();
      where.sha256 = sha256;
      where.size = b.content.size();
      where.architecture = b.arch;
      where.spawn_version = SPAWN_VERSION;
      where.uploaded_at = util::format_rfc3339(std::chrono::system_clock::now());
      if (auto put = s3.put_object(where.key, b.content, "application/octet-stream"); !put) return s3_failure(put.error());
      // The sha256sum format, so that `sha256sum -c` checks a copy fetched by hand.
      if (auto put = s3.put_object(where.sha256_key, sha256 + "  spored\n", "text/plain; charset=utf-8"); !put)
        return s3_failure(put.error());
      uploaded.push_back(where);
    }

    // One bucket holds spawn's uploads (a launch's role may read that bucket only, and the
    // launch's spec goes there): an earlier upload of another architecture elsewhere is forgotten.
    std::vector<AgentLocation> forgotten;
    std::erase_if(config->agents, [&](const AgentLocation& a) {
      const bool elsewhere = a.bucket != m_bucket || a.region != session->region();
      if (elsewhere) forgotten.push_back(a);
      return elsewhere;
    });
    for (const auto& where : uploaded) config->set_agent(where);
    if (auto saved = save_spawn_config(*config_path, *config); !saved) {
      print_failure("spored is uploaded to s3://" + m_bucket + "/" + uploaded.front().key +
                    " but spawn cannot remember it: " + saved.error());
      return k_exit_failure;
    }
    std::vector<std::string> kept, known;
    for (const auto& a : config->agents) {
      known.push_back(a.architecture);
      if (std::none_of(uploaded.begin(), uploaded.end(), [&](const AgentLocation& u) { return u.architecture == a.architecture; }))
        kept.push_back(a.architecture);
    }

    if (m_global.output == OutputFormat::json) {
      nlohmann::json out{{"uploads", nlohmann::json::array()}, {"architectures", known}, {"config", *config_path}};
      for (const auto& where : uploaded)
        out["uploads"].push_back({{"bucket", where.bucket},       {"key", where.key},
                                  {"sha256_key", where.sha256_key}, {"region", where.region},
                                  {"sha256", where.sha256},       {"size", where.size},
                                  {"architecture", where.architecture}});
      fmt::print("{}\n", out.dump(2));
      return k_exit_ok;
    }
    for (const auto& where : uploaded) {
      fmt::print("Uploaded spored {} ({}, {}) to s3://{}/{}\n", SPAWN_VERSION, where.architecture, human_size(where.size),
                 where.bucket, where.key);
      fmt::print("sha256 {} (also in s3://{}/{})\n", where.sha256, where.bucket, where.sha256_key);
    }
    for (const auto& arch : kept) {
      const AgentLocation* a = config->agent_for(arch);
      fmt::print("Kept the {} spored uploaded before (spored {}, {}, s3://{}/{})\n", arch, a->spawn_version,
                 a->uploaded_at, a->bucket, a->key);
    }
    for (const auto& a : forgotten)
      fmt::print("Forgot the {} spored in s3://{} ({}): spawn's uploads live in one bucket; upload it again here\n",
                 a.architecture, a.bucket, a.region);
    for (const auto& [arch, path] : absent)
      if (!config->agent_for(arch))
        fmt::print("No {} next to this spawn: launches of that architecture are refused until one is uploaded (make "
                   "builds it)\n",
                   path);
    fmt::print("Launches install the spored of their instance type's architecture ({}) from there (remembered in {}).\n",
               fmt::join(known, ", "), *config_path);
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
  std::optional<std::string> m_prefix;
  std::vector<std::string> m_binaries, m_archs;
};

}  // namespace

std::unique_ptr<Command> make_agent_command(CLI::App& parent) { return std::make_unique<AgentCommand>(parent); }

}  // namespace spawn::cli
