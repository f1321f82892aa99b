package io.runnel.server.api.validation;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One member of a request shape with the constraints the AWS service model gives it. Built fluently:
 * {@code Member.string("StreamName").length(1, 128).pattern("[a-zA-Z0-9_.-]+")}.
 */
public final class Member {

    public enum Type { STRING, INTEGER, BOOLEAN, BLOB, TIMESTAMP, LIST, MAP, STRUCTURE }

    final String name;
    final Type type;
    boolean required;
    Long minLength;
    Long maxLength;
    Long min;
    Long max;
    Pattern pattern;
    String patternText;
    List<String> enumValues;
    Member element;
    List<Member> members = List.of();
    int[] keyLength;
    int[] valueLength;

    private Member(String name, Type type) {
        this.name = name;
        this.type = type;
    }

    public static Member string(String name) {
        return new Member(name, Type.STRING);
    }

    public static Member integer(String name) {
        return new Member(name, Type.INTEGER);
    }

    public static Member bool(String name) {
        return new Member(name, Type.BOOLEAN);
    }

    public static Member blob(String name) {
        return new Member(name, Type.BLOB);
    }

    public static Member timestamp(String name) {
        return new Member(name, Type.TIMESTAMP);
    }

    public static Member list(String name, Member element) {
        Member m = new Member(name, Type.LIST);
        m.element = element;
        return m;
    }

    /** A map of string keys to string values. */
    public static Member stringMap(String name) {
        return new Member(name, Type.MAP);
    }

    /** A map of string keys to values of one shape. */
    public static Member map(String name, Member value) {
        Member m = new Member(name, Type.MAP);
        m.element = value;
        return m;
    }

    public static Member structure(String name, Member... members) {
        Member m = new Member(name, Type.STRUCTURE);
        m.members = List.of(members);
        return m;
    }

    public Member required() {
        this.required = true;
        return this;
    }

    public Member length(long minimum, long maximum) {
        this.minLength = minimum;
        this.maxLength = maximum;
        return this;
    }

    public Member range(long minimum, long maximum) {
        this.min = minimum;
        this.max = maximum;
        return this;
    }

    public Member minimum(long minimum) {
        this.min = minimum;
        return this;
    }

    public Member pattern(String regex) {
        this.patternText = regex;
        this.pattern = Pattern.compile(regex);
        return this;
    }

    public Member oneOf(String... values) {
        this.enumValues = List.of(values);
        return this;
    }

    public Member keyLength(int minimum, int maximum) {
        this.keyLength = new int[] {minimum, maximum};
        return this;
    }

    public Member valueLength(int minimum, int maximum) {
        this.valueLength = new int[] {minimum, maximum};
        return this;
    }

    public String name() {
        return name;
    }
}
