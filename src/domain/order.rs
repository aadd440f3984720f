//! Sorting many records by text without reading each record at every comparison.

/// The first sixteen bytes of `text`, big-endian and zero-padded: wherever two heads differ,
/// they order as the texts do (a shorter text that is a prefix of a longer one is padded with
/// zeros, the least byte), so a sort can compare heads held beside each other in memory and go
/// to the texts only on a tie.
pub fn head(text: &str) -> u128 {
    let bytes = text.as_bytes();
    let mut head = [0u8; 16];
    let n = bytes.len().min(16);
    head[..n].copy_from_slice(&bytes[..n]);
    u128::from_be_bytes(head)
}

/// Reorders `rows` so that position `k` holds the row that was at `order[k]`, in place.
/// `order` is used up (each visited place is marked `usize::MAX`).
pub fn permute<T>(rows: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != usize::MAX {
            let from = std::mem::replace(&mut order[at], usize::MAX);
            if from == start {
                break;
            }
            rows.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn permuting_in_place_puts_each_row_where_the_order_says() {
        // Every order of five rows, each compared with collecting the rows in that order.
        let rows: Vec<char> = "abcde".chars().collect();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut seen = 0;
        loop {
            let want: Vec<char> = order.iter().map(|&i| rows[i]).collect();
            let mut got = rows.clone();
            super::permute(&mut got, &mut order.clone());
            assert_eq!(got, want, "order {order:?}");
            seen += 1;
            if !next_permutation(&mut order) {
                break;
            }
        }
        assert_eq!(seen, 120);
    }

    /// The next order in lexicographic order, or false after the last.
    fn next_permutation(v: &mut [usize]) -> bool {
        let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
            return false;
        };
        let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap_or(i);
        v.swap(i - 1, j);
        v[i..].reverse();
        true
    }

    use super::head;

    #[test]
    fn heads_that_differ_order_as_their_texts() {
        let texts = [
            "",
            "a",
            "ab",
            "ab\u{1}",
            "abc",
            "zhang wei",
            "zhang wei 2",
            "zhangwei",
            "zhang",
            "张伟",
            "张",
            "wang fang and a long tail",
            "wang fang and a long tale",
            "B",
            "b",
        ];
        for a in texts {
            for b in texts {
                let (ha, hb) = (head(a), head(b));
                if ha != hb {
                    assert_eq!(ha.cmp(&hb), a.cmp(b), "{a:?} vs {b:?}");
                } else {
                    // Equal heads: the texts share their first sixteen bytes.
                    assert_eq!(
                        a.as_bytes().iter().take(16).collect::<Vec<_>>(),
                        b.as_bytes().iter().take(16).collect::<Vec<_>>()
                    );
                }
            }
        }
    }
}
