(module
  ;; Memory: [0, IN_CAP) the chunk; PARAM area for the key and gate bytes; OUT area for lines JS must look at.
  (memory (export "memory") 80)
  (global $klen (export "klen") (mut i32) (i32.const 0))
  (global $pos (export "pos") (mut i32) (i32.const 0))
  (global $lines (export "lines") (mut i32) (i32.const 0))
  ;; The time key as two overlapping little-endian words (length 4 to 8): two loads compare it.
  (global $k0 (export "k0") (mut i32) (i32.const 0))
  (global $k1 (export "k1") (mut i32) (i32.const 0))
  ;; The window in epoch milliseconds, both ends included.
  (global $lo (export "lo") (mut i64) (i64.const 0))
  (global $hi (export "hi") (mut i64) (i64.const 0))
  ;; PARAM = 4194432 (4 MB + 128): key at PARAM, gate at PARAM + 64. OUT = 4194560: (start, end, line) triples.
  (func $find_nl (param $p i32) (param $end i32) (result i32)
    (local $m i32)
    (block $done
      (loop $vec
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
        (if (local.get $m) (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vec)))
    (block $out
      (loop $tail
        (br_if $out (i32.ge_u (local.get $p) (local.get $end)))
        (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then (return (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail)))
    (local.get $end))
  ;; Screen the complete lines of [start, end): count them, and list those that may be in the window
  ;; (anything but a 13-digit epoch-ms value at the expected place that falls outside [lo, hi]).
  ;; Stops after `cap` listed lines. Sets $pos (next unread line start) and $lines; returns how many were listed.
  (func (export "screen") (param $start i32) (param $end i32) (param $guess i32) (param $cap i32) (result i32)
    (local $p i32) (local $nl i32) (local $n i32) (local $lines i32) (local $k i32) (local $needs i32) (local $out i32) (local $v i64) (local $i i32) (local $c i32)
    (local.set $p (local.get $start))
    (block $stop
      (loop $line
        (local.set $nl (call $find_nl (local.get $p) (local.get $end)))
        (br_if $stop (i32.ge_u (local.get $nl) (local.get $end)))
        (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
        (local.set $needs (i32.const 1))
        (if (i32.and (i32.gt_s (global.get $klen) (i32.const 0))
                     (i32.and (i32.ge_s (local.get $guess) (i32.const 0))
                              (i32.le_u (i32.add (i32.add (local.get $p) (local.get $guess)) (i32.add (global.get $klen) (i32.const 14))) (local.get $nl))))
          (then
            (local.set $k (i32.add (local.get $p) (local.get $guess)))
            (if (i32.and (i32.eq (i32.load (local.get $k)) (global.get $k0))
                         (i32.eq (i32.load (i32.sub (i32.add (local.get $k) (global.get $klen)) (i32.const 4))) (global.get $k1)))
              (then
                (local.set $k (i32.add (local.get $k) (global.get $klen)))
                ;; Exactly 13 digits (epoch milliseconds): read them and compare with the window.
                (local.set $v (i64.const 0))
                (local.set $i (i32.const 0))
                (block $nan
                  (loop $d
                    (local.set $c (i32.sub (i32.load8_u (i32.add (local.get $k) (local.get $i))) (i32.const 48)))
                    (br_if $nan (i32.ge_u (local.get $c) (i32.const 10)))
                    (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $d (i32.lt_u (local.get $i) (i32.const 13))))
                  (br_if $nan (i32.lt_u (i32.sub (i32.load8_u (i32.add (local.get $k) (i32.const 13))) (i32.const 48)) (i32.const 10)))
                  (if (i32.or (i64.lt_s (local.get $v) (global.get $lo)) (i64.gt_s (local.get $v) (global.get $hi)))
                    (then (local.set $needs (i32.const 0)))))))))
        (if (local.get $needs)
          (then
            (local.set $out (i32.add (i32.const 4194560) (i32.mul (local.get $n) (i32.const 12))))
            (i32.store (local.get $out) (local.get $p))
            (i32.store offset=4 (local.get $out) (local.get $nl))
            (i32.store offset=8 (local.get $out) (local.get $lines))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $p (i32.add (local.get $nl) (i32.const 1)))
        (br_if $stop (i32.ge_u (local.get $n) (local.get $cap)))
        (br $line)))
    (global.set $pos (local.get $p))
    (global.set $lines (local.get $lines))
    (local.get $n))
)
