package notify_test

import (
	"bufio"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// smtpServer is just enough of an SMTP server on 127.0.0.1 to receive the mailer's
// messages: greeting, EHLO/HELO (no STARTTLS, no AUTH), MAIL, RCPT, DATA, RSET, NOOP, QUIT.
type smtpServer struct {
	ln net.Listener
	// rejectRcpt, when set, answers every RCPT TO with this reply instead of 250.
	rejectRcpt string

	mu       sync.Mutex
	received []receivedMail
	wg       sync.WaitGroup
}

type receivedMail struct {
	From string
	To   []string
	Data string
}

func startSMTP(t *testing.T, rejectRcpt string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, rejectRcpt: rejectRcpt}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// URL is the SMTP_URL for this server.
func (s *smtpServer) URL() string { return "smtp://" + s.ln.Addr().String() }

func (s *smtpServer) Received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.received...)
}

func (s *smtpServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

func (s *smtpServer) serve(c net.Conn) {
	r := textproto.NewReader(bufio.NewReader(c))
	reply := func(line string) bool {
		_, err := io.WriteString(c, line+"\r\n")
		return err == nil
	}
	if !reply("220 test.local ESMTP ready") {
		return
	}
	var cur receivedMail
	for {
		line, err := r.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-test.local greets " + arg)
			reply("250 8BITMIME")
		case "HELO":
			reply("250 test.local")
		case "MAIL":
			cur = receivedMail{From: addrOf(arg)}
			reply("250 2.1.0 OK")
		case "RCPT":
			if s.rejectRcpt != "" {
				reply(s.rejectRcpt)
				continue
			}
			cur.To = append(cur.To, addrOf(arg))
			reply("250 2.1.5 OK")
		case "DATA":
			if len(cur.To) == 0 {
				reply("503 5.5.1 no valid recipients")
				continue
			}
			reply("354 end with <CRLF>.<CRLF>")
			data, err := io.ReadAll(r.DotReader()) // undoes the client's dot-stuffing
			if err != nil {
				return
			}
			cur.Data = string(data)
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			cur = receivedMail{}
			reply("250 2.0.0 queued")
		case "RSET":
			cur = receivedMail{}
			reply("250 OK")
		case "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 not implemented")
		}
	}
}

// addrOf takes the address out of "FROM:<a@b> BODY=8BITMIME" or "TO:<a@b>".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
