//! The k-way merge of a height log's sorted runs into a model relation, on a tournament
//! tree of losers (Knuth, *The Art of Computer Programming* vol. 3, §5.4.1, "replacement
//! selection"): each output row costs one comparison per level of the tree, ⌈log2 k⌉ for k
//! runs, where a binary heap's pop and push cost about twice that and move whole entries.
//! A transitive closure over a chain of n nodes logs n runs, so this merge is a large part of
//! what heights cost (benches/README.md, "Heights").

use crate::engine::tuple::Tuple;
use crate::ir::Id;

/// Merges sorted `runs` (each with its height, in the order they were logged) into `data`
/// (`arity` columns a row) and `heights`: each row once, with the height of its first run
/// (on equal rows the earlier run wins); returns the number of rows written. `data` and
/// `heights` must have room for every row of every run.
pub(super) fn merge_runs<R: Tuple>(
    runs: &[(&[R], u32)],
    arity: usize,
    data: &mut [Id],
    heights: &mut [u32],
) -> usize {
    let mut tree = Losers::new(runs);
    let mut last: Option<&R> = None;
    let mut n = 0;
    while let Some((r, i)) = tree.winner() {
        if last != Some(r) {
            for (c, cell) in data[n * arity..(n + 1) * arity].iter_mut().enumerate() {
                *cell = r.col(c);
            }
            heights[n] = runs[i].1;
            n += 1;
            last = Some(r);
        }
        tree.advance();
    }
    n
}

/// A tournament tree over `k` runs: leaf `i` (node `k + i`) is run `i`'s next row, each inner
/// node `1..k` keeps the loser of the match played there, and `nodes[0]` the overall winner:
/// the smallest next row, the lowest run on ties, an exhausted run losing to every other.
struct Losers<'a, R> {
    runs: &'a [(&'a [R], u32)],
    /// Per run, the position of its next row.
    next: Vec<usize>,
    nodes: Vec<usize>,
}

impl<'a, R: Ord> Losers<'a, R> {
    fn new(runs: &'a [(&'a [R], u32)]) -> Self {
        let k = runs.len();
        let mut t = Losers {
            runs,
            next: vec![0; k],
            nodes: vec![0; k.max(1)],
        };
        if k > 1 {
            t.nodes[0] = t.play(1);
        }
        t
    }

    /// Fills the subtree under inner node `node` and returns its winner.
    fn play(&mut self, node: usize) -> usize {
        let k = self.runs.len();
        let side = |t: &mut Self, n: usize| if n >= k { n - k } else { t.play(n) };
        let (a, b) = (side(self, 2 * node), side(self, 2 * node + 1));
        let (win, lose) = if self.beats(a, b) { (a, b) } else { (b, a) };
        self.nodes[node] = lose;
        win
    }

    /// Run `i`'s next row, if any.
    fn head(&self, i: usize) -> Option<&'a R> {
        self.runs[i].0.get(self.next[i])
    }

    /// Whether run `a`'s next row comes before run `b`'s.
    fn beats(&self, a: usize, b: usize) -> bool {
        match (self.head(a), self.head(b)) {
            (Some(x), Some(y)) => (x, a) < (y, b),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The smallest next row of all runs and its run; `None` once every run is exhausted.
    fn winner(&self) -> Option<(&'a R, usize)> {
        let w = self.nodes[0];
        self.runs.get(w)?;
        self.head(w).map(|r| (r, w))
    }

    /// Takes the winner's row and replays its path from its leaf to the root.
    fn advance(&mut self) {
        let k = self.runs.len();
        let mut w = self.nodes[0];
        self.next[w] += 1;
        let mut node = (k + w) / 2;
        while node >= 1 {
            if self.beats(self.nodes[node], w) {
                std::mem::swap(&mut self.nodes[node], &mut w);
            }
            node /= 2;
        }
        self.nodes[0] = w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merge by a plain sort: every (row, height), the lowest height per row.
    fn by_sort(runs: &[(Vec<u64>, u32)]) -> Vec<(u64, u32)> {
        let mut all: Vec<(u64, u32)> = runs
            .iter()
            .flat_map(|(rows, h)| rows.iter().map(move |&r| (r, *h)))
            .collect();
        all.sort();
        all.dedup_by_key(|p| p.0);
        all
    }

    fn merged(runs: &[(Vec<u64>, u32)]) -> Vec<(u64, u32)> {
        let borrowed: Vec<(&[u64], u32)> = runs.iter().map(|(r, h)| (&r[..], *h)).collect();
        let total: usize = runs.iter().map(|(r, _)| r.len()).sum();
        let (mut data, mut heights) = (vec![0; 2 * total], vec![0; total]);
        let n = merge_runs(&borrowed, 2, &mut data, &mut heights);
        (0..n)
            .map(|i| {
                let r = u64::pack(data[2 * i..2 * i + 2].iter().copied());
                (r, heights[i])
            })
            .collect()
    }

    #[test]
    fn every_run_count_merges_as_a_sort_does() {
        // Runs of uneven lengths (some empty), with repeats within the log, for k = 0 to 40.
        let mut seed = 7u64;
        let mut rand = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        for k in 0..40u32 {
            let runs: Vec<(Vec<u64>, u32)> = (0..k)
                .map(|h| {
                    let len = rand() % 30;
                    let mut rows: Vec<u64> = (0..len).map(|_| rand() % 200).collect();
                    rows.sort_unstable();
                    rows.dedup();
                    (rows, h)
                })
                .collect();
            assert_eq!(merged(&runs), by_sort(&runs), "k = {k}");
        }
    }

    #[test]
    fn a_repeated_row_keeps_the_height_of_its_first_run() {
        let runs = vec![(vec![3, 5], 0), (vec![1, 3, 5], 1), (vec![5, 9], 4)];
        assert_eq!(merged(&runs), vec![(1, 1), (3, 0), (5, 0), (9, 4)]);
    }
}
