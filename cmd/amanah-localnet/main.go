// Command amanah-localnet runs a local Amanah network of 1 to 4 validators on loopback:
//
//	amanah-localnet up N     build amanahd if stale, create .localnet/node<i>, start, wait for height 2
//	amanah-localnet down     stop exactly the processes up started (by pid)
//	amanah-localnet status   print each node's height
//
// scripts/localnet.sh is a thin wrapper around it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/amanah-id/amanah/localnet"
)

func main() {
	fs := flag.NewFlagSet("amanah-localnet", flag.ExitOnError)
	dir := fs.String("dir", ".localnet", "directory of the node homes")
	binary := fs.String("binary", "build/amanahd", "amanahd executable")
	build := fs.Bool("build", true, "run `go build` for the binary first (a no-op when it is up to date)")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: amanah-localnet [flags] up N | down | status")
		fs.PrintDefaults()
	}
	_ = fs.Parse(os.Args[1:])
	args := fs.Args()
	if len(args) == 0 {
		fs.Usage()
		os.Exit(2)
	}
	var err error
	switch args[0] {
	case "up":
		n := 1
		if len(args) > 1 {
			if n, err = strconv.Atoi(args[1]); err != nil || n < 1 || n > localnet.MaxNodes {
				fatalf("up: N must be 1..%d", localnet.MaxNodes)
			}
		}
		err = up(*dir, *binary, *build, n)
	case "down":
		err = down(*dir)
	case "status":
		err = status(*dir)
	default:
		fs.Usage()
		os.Exit(2)
	}
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "amanah-localnet: "+format+"\n", a...)
	os.Exit(1)
}

func up(dir, binary string, build bool, n int) error {
	start := time.Now()
	if build {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		fmt.Printf("building %s (go build, a no-op when up to date)\n", binary)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binary, "./cmd/amanahd")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	if old, err := localnet.Load(dir); err == nil {
		for i := range old.Nodes {
			if old.Running(i) {
				return fmt.Errorf("a network is running in %s: run `down` first", dir)
			}
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	net, err := localnet.Init(ctx, localnet.Config{Binary: binary, Dir: dir, N: n})
	if err != nil {
		return err
	}
	initDone := time.Now()
	if err := net.StartAll(); err != nil {
		_ = net.StopAll()
		return err
	}
	if err := net.WaitAll(ctx, 2); err != nil {
		_ = net.StopAll()
		return err
	}
	fmt.Printf("localnet %s: %d validator(s) at height >= 2 (init %.1fs, start to height 2 %.1fs)\n",
		net.Config.ChainID, n, initDone.Sub(start).Seconds(), time.Since(initDone).Seconds())
	for _, nd := range net.Nodes {
		fmt.Printf("node%d pid %d  rpc %s  grpc %s  rest %s  p2p 127.0.0.1:%d\n",
			nd.Index, net.PID(nd.Index), nd.RPCURL(), nd.GRPCAddr(), nd.RESTURL(), nd.Ports.P2P)
		fmt.Printf("      %s %s (key %s, --home %s --keyring-backend test)\n",
			nd.Agency.Name, nd.Agency.Address, nd.Agency.KeyName, relative(nd.Home))
	}
	fmt.Printf("logs: %s/node<i>/log   stop: scripts/localnet.sh down\n", relative(net.Config.Dir))
	return nil
}

func down(dir string) error {
	net, err := localnet.Load(dir)
	if err != nil {
		return err
	}
	var errs []error
	for i := range net.Nodes {
		pid := net.PID(i)
		if pid == 0 {
			fmt.Printf("node%d not running\n", i)
			continue
		}
		if err := net.Stop(i); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Printf("node%d stopped (pid %d)\n", i, pid)
	}
	return errors.Join(errs...)
}

func status(dir string) error {
	net, err := localnet.Load(dir)
	if err != nil {
		return err
	}
	for i, nd := range net.Nodes {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		st, err := nd.RPC().Status(ctx)
		cancel()
		switch {
		case !net.Running(i):
			fmt.Printf("node%d stopped\n", i)
		case err != nil:
			fmt.Printf("node%d pid %d  no answer: %v\n", i, net.PID(i), err)
		default:
			fmt.Printf("node%d pid %d  height %d  catching_up %v  rpc %s\n", i, net.PID(i), st.LatestBlockHeight, st.CatchingUp, nd.RPCURL())
		}
	}
	return nil
}

func relative(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil {
		return r
	}
	return p
}
