#!/usr/bin/perl
# Reads every file under the given folders with sisimai (Debian's
# libsisimai-perl, 4.25.x: Sisimai->make), one file at a time, and prints one
# line per result: file, index, status, reply code, reason, hard bounce.
# With --time only the elapsed time and counts are printed (stderr).
# Used to time sisimai against `eml bounce --json` on the same files (README,
# "Bounces").
use strict;
use warnings;
use File::Find;
use Time::HiRes qw(time);
use Sisimai;

my $quiet = 0;
@ARGV = grep { $_ eq '--time' ? ($quiet = 1, 0) : 1 } @ARGV;
my @files;
find({ wanted => sub { push @files, $File::Find::name if -f $_ && /\.eml\z/ }, no_chdir => 1 }, @ARGV);
@files = sort @files;

my ($results, $start) = (0, time);
for my $f (@files) {
    my $data = Sisimai->make($f, delivered => 1, vacation => 1) || [];
    my $i = 0;
    for my $e (@$data) {
        $i++;
        $results++;
        next if $quiet;
        print join("\t", $f, $i, $e->deliverystatus // '', $e->replycode // '', $e->reason // '',
            $e->hardbounce ? 'true' : 'false'), "\n";
    }
}
printf STDERR "sisimai %s: %d files, %d results in %.3f s\n", $Sisimai::VERSION, scalar @files, $results, time - $start;
