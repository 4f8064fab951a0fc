// Statistics of one run's cascade tree (cascade.csv): depth, breadth by generation, structural
// virality (Goel, Anderson, Hofman & Watts, Management Science 2016: the mean distance between
// two nodes of the tree), reach outside the list, and the contact graph's degree distribution
// against the generated shape it was drawn from.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/mail/message.hpp"

namespace mailstorm::models::analysis {

// Mean distance over all pairs of distinct nodes of the tree rooted at `root`, where parent[i]
// is the index of node i's parent (-1 for none). Nodes outside root's tree are ignored. O(n):
// the sum of distances is sum over edges of size(below) * (n - size(below)). 0 for one node.
double structural_virality(const std::vector<std::int64_t>& parent, std::int64_t root);

struct CascadeRecord {
  std::int64_t id = 0, parent = -1;  // -1: no parent
  MessageKind kind = MessageKind::first_mail;
  std::int64_t author = -1;          // -1: none (an MTA-made DSN)
  std::uint32_t generation = 0;
  double created_s = 0;
};
// Reads cascade.csv (results_writer.hpp's format). Throws std::runtime_error naming the file and
// line on bad input.
std::vector<CascadeRecord> read_cascade_csv(const std::filesystem::path& path);

struct GenerationRow {
  std::uint32_t generation = 0;
  std::uint64_t messages = 0;                         // breadth: nodes at this depth
  std::array<std::uint64_t, kMessageKinds> by_kind{};  // of which, by kind
  std::uint64_t outsider_authors = 0;                 // messages written by outsiders (chain mail)
  std::uint64_t new_outsiders = 0;                    // outsiders whose first message is at this depth
  std::uint64_t cumulative_outsiders = 0;
};

struct CascadeStats {
  std::uint64_t nodes = 0, tree_nodes = 0;  // all rows; rows in the first mail's tree
  std::uint32_t depth_max = 0;
  double depth_mean = 0;                     // mean depth of the first mail's tree's nodes
  std::vector<std::uint64_t> leaf_depths;    // leaves by depth (index = depth)
  double structural_virality = 0;            // of the first mail's tree
  double structural_virality_chain = 0;      // of the chain-forward subtrees merged at the root
  std::uint64_t chain_nodes = 0;
  std::vector<GenerationRow> generations;
};

// `members` = population.members (actors kFirstMember + members and above are outsiders).
CascadeStats cascade_stats(const std::vector<CascadeRecord>& rows, std::uint64_t members);

// P(degree = d) of ContactGraph::draw_degree for the generated shape, d = 0 .. max_d.
std::vector<double> target_degree_pmf(double mean, double exponent, std::size_t max_d);

}  // namespace mailstorm::models::analysis
